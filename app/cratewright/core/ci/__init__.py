"""Release pipelines: GitHub Actions and GitLab CI files for every platform's wheels."""
