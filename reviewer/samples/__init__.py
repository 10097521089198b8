"""The realistic sample packet generator (審議資料 with 特定個人情報保護評価書).

``generate_packet(out, reports, pages_per_report, seed)`` writes a deterministic packet and returns its
truth as an :class:`~reviewer.structure.model.Outline`; ``default_sample_path()`` gives the default sample.
"""

from reviewer.samples.packet import default_sample_path, default_sample_truth, generate_packet

__all__ = ["default_sample_path", "default_sample_truth", "generate_packet"]
