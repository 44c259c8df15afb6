from django.urls import path

from fenlei.inspections import views_checklists

urlpatterns = [
    path("<int:pk>/", views_checklists.TemplateDetailView.as_view(), name="template-detail"),
]
