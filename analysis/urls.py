from django.urls import path

from analysis import views

app_name = "analysis"
urlpatterns = [
    path("analysis/", views.analysis_page, name="analysis"),
    path("analysis/passages/", views.cell_passage_list, name="passages"),
]
