"""The programmatic surface: the REST API, the OpenAI-compatible endpoint, the MCP server and background jobs."""
