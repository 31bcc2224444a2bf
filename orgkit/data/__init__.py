"""Reading a client: the data contract, file reading, validation and loading, dates, the hierarchy, the sample."""
