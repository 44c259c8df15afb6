"""The office's pages of the item dictionary and of the answers residents reported wrong, and the
residents' "this answer is wrong" (public)."""

from django.urls import path

from fenlei.public import views_dictionary as views

app_name = "dictionary"
urlpatterns = [
    # residents (no sign-in)
    path("wrong-answer/", views.WrongAnswerView.as_view(), name="wrong-answer"),
    # the dictionary
    path("", views.ItemListView.as_view(), name="item-list"),
    path("add/", views.ItemCreateView.as_view(), name="item-add"),
    path("<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("<int:pk>/edit/", views.ItemEditView.as_view(), name="item-edit"),
    path("<int:pk>/deactivate/", views.ItemDeactivateView.as_view(), name="item-deactivate"),
    path("<int:pk>/reactivate/", views.ItemDeactivateView.as_view(reactivate=True), name="item-reactivate"),
    path("<int:pk>/history/", views.ItemHistoryView.as_view(), name="item-history"),
    # the queue of answers reported wrong
    path("reports/", views.FeedbackListView.as_view(), name="feedback-list"),
    path("reports/<int:pk>/", views.FeedbackDetailView.as_view(), name="feedback-detail"),
    path("reports/<int:pk>/fix/", views.FeedbackFixView.as_view(), name="feedback-fix"),
    path("reports/<int:pk>/dismiss/", views.FeedbackDismissView.as_view(), name="feedback-dismiss"),
]
