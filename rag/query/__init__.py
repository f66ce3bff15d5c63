"""What a question asks (files, pages, figures, names), computed once per question."""
