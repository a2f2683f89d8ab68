"""Hands-on labs: real DevOps artifacts written by the learner and graded offline."""
