from django.urls import path

from corpus import views

app_name = "corpus"
urlpatterns = [
    path("", views.source_list, name="source-list"),
]
