"""certprep: practice and readiness for the AWS Certified DevOps Engineer - Professional exam."""

__version__ = "0.1.0"
