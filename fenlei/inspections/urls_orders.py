from django.urls import path

from fenlei.inspections import views_orders

urlpatterns = [
    path("", views_orders.OrderListView.as_view(), name="order-list"),
    path("escalated/", views_orders.EscalatedListView.as_view(), name="order-escalated"),
    path("<int:pk>/", views_orders.OrderDetailView.as_view(), name="order-detail"),
    path("<int:pk>/files/<int:file>/", views_orders.OrderFileView.as_view(), name="order-file"),
    path(
        "<int:pk>/files/<int:file>/thumb/",
        views_orders.OrderFileView.as_view(thumbnail=True),
        name="order-thumbnail",
    ),
    path("<int:pk>/before/<int:file>/", views_orders.OrderBeforeFileView.as_view(), name="order-before-file"),
    path(
        "<int:pk>/before/<int:file>/thumb/",
        views_orders.OrderBeforeFileView.as_view(thumbnail=True),
        name="order-before-thumbnail",
    ),
    path("<int:pk>/<str:step>/", views_orders.OrderStepView.as_view(), name="order-step"),
]
