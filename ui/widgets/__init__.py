"""Reusable widgets built from core models."""
