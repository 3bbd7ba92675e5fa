from django.urls import path

from corpus import views

app_name = "corpus"
urlpatterns = [
    path("", views.source_list, name="home"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("passages/", views.passage_go, name="passage-go"),
    path("passages/<int:pk>/", views.passage_detail, name="passage-detail"),
]
