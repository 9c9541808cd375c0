"""Moving a WordPress site over: its export read, content converted, media copied."""
