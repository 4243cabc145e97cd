"""Finding spec files and parsing them into values that remember their positions."""
