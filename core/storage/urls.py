from django.urls import path

from . import views

urlpatterns = [path("local/<str:token>", views.local_object, name="storage-local")]
