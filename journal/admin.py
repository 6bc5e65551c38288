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


@admin.register(models.Condition, models.Symptom)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["name", "clinic"]
    list_filter = ["clinic"]


@admin.register(models.Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "clinic", "time_zone"]
    list_filter = ["clinic"]
    search_fields = ["name", "code"]
    filter_horizontal = ["conditions", "tracked_symptoms", "clinicians"]


class DoseStepInline(admin.TabularInline):
    model = models.DoseStep
    extra = 0


@admin.register(models.TitrationPlan)
class TitrationPlanAdmin(SimpleHistoryAdmin):
    list_display = ["patient", "status", "form", "created_at"]
    list_filter = ["status", "form"]
    inlines = [DoseStepInline]


@admin.register(models.DailyEntry)
class DailyEntryAdmin(SimpleHistoryAdmin):
    list_display = ["patient", "entry_date", "dose_taken", "dose_mg", "edit_count"]
    list_filter = ["dose_taken"]
    date_hierarchy = "entry_date"


@admin.register(models.Medication)
class MedicationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "patient", "started_on", "stopped_on"]


class AppendOnlyAdmin(admin.ModelAdmin):
    """Read-only: the audit log and the access log are append-only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    list_display = ["at", "kind", "patient", "actor", "summary"]
    list_filter = ["kind"]


@admin.register(models.AccessEvent)
class AccessEventAdmin(AppendOnlyAdmin):
    list_display = ["at", "what", "patient", "actor", "client_address"]
    list_filter = ["what"]
    list_select_related = ["patient", "actor"]
