"""Tests with signatures made by software we did not write (xadesjs & co.)."""
