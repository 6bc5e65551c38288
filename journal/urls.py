from django.urls import path

from journal.views import charts, clinician, exports, home, patient, review

urlpatterns = [
    path("", home.home, name="home"),
    path("today/", patient.today, name="today"),
    path("entry/", patient.entry, name="entry"),
    path("history/", patient.history, name="history"),
    path("history/<str:day>/", patient.day_detail, name="day_detail"),
    path("medications/", patient.medications, name="medications"),
    path("medications/<int:pk>/stop/", patient.medication_stop, name="medication_stop"),
    path("calendar/", patient.calendar, name="calendar"),
    path("calendar/reset/", patient.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", patient.calendar_feed, name="calendar_feed"),
    path("clinic/patients/", clinician.roster, name="roster"),
    path("clinic/patients/<int:pk>/", clinician.patient_detail, name="patient_detail"),
    path("clinic/patients/<int:pk>/advice/dismiss/", review.advice_dismiss, name="advice_dismiss"),
    path("clinic/patients/<int:pk>/reviewed/", review.patient_reviewed, name="patient_reviewed"),
    path("my-chart/", charts.my_chart, name="my_chart"),
    path("clinic/patients/<int:pk>/export/", exports.patient_csv, name="patient_csv"),
    path("clinic/export/", exports.clinic_csv, name="clinic_csv"),
    path("my-data/export/", exports.own_csv, name="own_csv"),
    path("exports/dictionary/", exports.data_dictionary, name="data_dictionary"),
    path("exports/dictionary.csv", exports.data_dictionary_csv, name="data_dictionary_csv"),
]
