from django.urls import path

from fenlei.inspections import views_orders

urlpatterns = [
    path("<int:pk>/", views_orders.OrderDetailView.as_view(), name="order-detail"),
]
