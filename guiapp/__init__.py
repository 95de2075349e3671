"""Backprop Stepper's window (Qt): presentation and interaction; every number comes from engine."""
