from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from journal import models


@admin.register(models.User)
class JournalUserAdmin(UserAdmin):
    pass


@admin.register(models.Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone"]


@admin.register(models.Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["__str__", "clinic", "is_clinic_admin"]
    list_filter = ["clinic", "is_clinic_admin"]


@admin.register(models.Condition, models.Symptom, models.LabTest)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["name", "clinic"]
    list_filter = ["clinic"]


@admin.register(models.Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "clinic", "time_zone"]
    list_filter = ["clinic"]
    search_fields = ["name", "code"]
    filter_horizontal = ["conditions", "tracked_symptoms", "clinicians"]


class ReadOnly:
    """Shown, never added, changed or deleted here: the audit and access logs are append-only,
    and clinical records change only through the app's pages, whose services screen, audit and
    refresh the roster's row in the same transaction."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DoseStepInline(ReadOnly, admin.TabularInline):
    model = models.DoseStep
    extra = 0


@admin.register(models.TitrationPlan)
class TitrationPlanAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["patient", "status", "form", "created_at"]
    list_filter = ["status", "form"]
    inlines = [DoseStepInline]


@admin.register(models.DailyEntry)
class DailyEntryAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["patient", "entry_date", "dose_taken", "dose_mg", "edit_count"]
    list_filter = ["dose_taken"]
    date_hierarchy = "entry_date"


@admin.register(models.Medication)
class MedicationAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["name", "patient", "started_on", "stopped_on"]


@admin.register(models.LabResult)
class LabResultAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ["test", "patient", "value", "unit", "sampled_on"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "kind", "patient", "actor", "summary"]
    list_filter = ["kind"]


@admin.register(models.AccessEvent)
class AccessEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "what", "patient", "actor", "client_address"]
    list_filter = ["what"]
    list_select_related = ["patient", "actor"]
