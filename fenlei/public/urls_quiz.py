"""The knowledge contest (知识竞赛): the public quiz and the office's pages."""

from django.urls import path

from fenlei.public import views_quiz as views

app_name = "quiz"
urlpatterns = [
    path("", views.StartView.as_view(), name="start"),
    path("<uuid:token>/", views.RoundView.as_view(), name="round"),
    path("office/", views.ParticipationView.as_view(), name="participation"),
    path("office/questions/", views.QuestionListView.as_view(), name="question-list"),
    path("office/questions/new/", views.QuestionFormView.as_view(), name="question-add"),
    path("office/questions/<int:pk>/edit/", views.QuestionFormView.as_view(), name="question-edit"),
    path("office/questions/generate/", views.GenerateView.as_view(), name="question-generate"),
]
