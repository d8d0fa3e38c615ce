jointassessment_labels = {"MITM": "conditional", "HAMMER": "mitigated"}
