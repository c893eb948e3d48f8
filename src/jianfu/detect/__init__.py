"""Pure detection functions: records in, findings out. No I/O, no database, no clock."""
