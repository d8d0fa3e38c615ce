jointassessment_traceability = "strict"
