jointassessment_score_range = (0, 100)
