"""The knowledge contest (知识竞赛): the public quiz and the office's pages."""

app_name = "quiz"
urlpatterns: list = []
