from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kechuang.assessment"
    verbose_name = "考核"
