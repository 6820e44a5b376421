"""Celery tasks of the studio: ids in, services out. Claims make duplicate messages harmless."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="studio.script_write", acks_late=True, soft_time_limit=600, time_limit=660, ignore_result=True)
def script_write_task(script_id: int) -> None:
    from production.studio.services.scripts import script_write

    script_write(script_id=script_id)


@shared_task(name="studio.voice_over_make", acks_late=True, soft_time_limit=900, time_limit=960, ignore_result=True)
def voice_over_make_task(voice_over_id: int) -> None:
    from production.studio.services.voice_overs import voice_over_make

    voice_over_make(voice_over_id=voice_over_id)


@shared_task(
    name="studio.generation_job_run", acks_late=True, soft_time_limit=1800, time_limit=1860, ignore_result=True
)
def generation_job_run_task(job_id: int) -> None:
    from production.studio.services.generation import generation_job_run

    generation_job_run(job_id=job_id)


@shared_task(name="studio.resume_stalled", ignore_result=True)
def resume_stalled_task() -> int:
    """Periodic: re-send studio work whose message was lost or whose worker died."""
    from production.studio.services.generation import generation_jobs_resume_stalled
    from production.studio.services.scripts import scripts_resume_stalled
    from production.studio.services.voice_overs import voice_overs_resume_stalled

    return scripts_resume_stalled() + voice_overs_resume_stalled() + generation_jobs_resume_stalled()
