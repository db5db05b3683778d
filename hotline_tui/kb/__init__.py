"""The knowledge base (知识库): articles, their life cycle, search and unanswered questions."""
