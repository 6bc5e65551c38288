from django.urls import path

from journal.views import clinician, home, patient

urlpatterns = [
    path("", home.home, name="home"),
    path("today/", patient.today, name="today"),
    path("clinic/patients/", clinician.roster, name="roster"),
]
