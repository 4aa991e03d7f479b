"""The hall (政务大厅): appointments, queue numbers and calling, and the measures of waiting."""
