jointassessment_max_input_bytes = 100
