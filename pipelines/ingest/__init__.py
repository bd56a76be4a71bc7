"""Loading the night's exports: raw COPY, the validation gate, and publishing to core."""
