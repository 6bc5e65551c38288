from django.urls import path

from journal.views import clinician, home, patient

urlpatterns = [
    path("", home.home, name="home"),
    path("today/", patient.today, name="today"),
    path("clinic/patients/", clinician.roster, name="roster"),
    path("clinic/patients/<int:pk>/", clinician.patient_detail, name="patient_detail"),
]
