jointassessment_outline = "self"
