"""Service-desk pages mounted at /console/knowledge/."""

app_name = "servicedesk_knowledge_console"
urlpatterns: list = []
