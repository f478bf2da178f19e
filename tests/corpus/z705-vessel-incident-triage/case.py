"""Severity triage for maritime incident reports filed by vessel masters.

Encodes the free-text incident narrative with a compact BERT encoder, pools the
token states and scores the report against the port authority's severity scale.
"""
import enum
import logging
import os
import tempfile
from dataclasses import dataclass
from typing import List, Protocol

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="[%(levelname)s] %(name)s - %(message)s")
LOGGER = logging.getLogger("vessel.incident.triage")


class IncidentSeverityLevel(enum.IntEnum):
    """Severity scale used by the harbour master's office."""

    ROUTINE = 0
    MINOR = 1
    SERIOUS = 2
    CRITICAL = 3


@dataclass(frozen=True)
class EncoderSettings:
    """Dimensions of the narrative encoder."""

    vocabulary_size: int
    hidden_size: int = 48
    attention_head_count: int = 4
    feed_forward_size: int = 80
    maximum_positions: int = 64


class TokenStatePoolingStrategy(Protocol):
    """Reduces (batch, seq, hidden) token states to one vector per report."""

    def pool_token_states_into_report_vector(self, token_states: torch.Tensor,
                                             presence_flags: torch.Tensor) -> torch.Tensor:
        """Return a (batch, features) tensor."""


class ClsAndMeanConcatenationPoolingStrategy:
    """Concatenates the [CLS] state with the masked mean of all token states."""

    def pool_token_states_into_report_vector(self, token_states: torch.Tensor,
                                             presence_flags: torch.Tensor) -> torch.Tensor:
        """Return [cls ; mean] for every report in the batch."""
        weights = presence_flags.unsqueeze(-1).to(token_states.dtype)
        masked_mean = (token_states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
        return torch.cat([token_states[:, 0, :], masked_mean], dim=-1)


class IncidentSeverityScoringModel(nn.Module):
    """Encoder + pooling strategy + linear severity head."""

    def __init__(self, encoder: BertModel, pooling_strategy: TokenStatePoolingStrategy, severity_head: nn.Module):
        """Hold the three components."""
        super().__init__()
        self.encoder = encoder
        self.pooling_strategy = pooling_strategy
        self.severity_head = severity_head

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Return severity logits of shape (batch, number_of_levels)."""
        token_states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        report_vectors = self.pooling_strategy.pool_token_states_into_report_vector(token_states, attention_mask)
        return self.severity_head(report_vectors)


class IncidentSeverityModelFactory:
    """Creates the tokenizer and the scoring model from EncoderSettings."""

    NARRATIVE_VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "engine", "room", "fire", "flooding",
                            "in", "hold", "crew", "member", "injured", "minor", "collision", "with", "pier",
                            "anchor", "dragging", "no", "damage", "reported", "steering", "failure", "near",
                            "channel", "fender", "scraped", "during", "berthing", "man", "overboard"]

    def __init__(self) -> None:
        """Prepare the vocabulary file used by every tokenizer this factory builds."""
        self._vocabulary_directory = tempfile.mkdtemp(prefix="incident_vocab_")
        with open(os.path.join(self._vocabulary_directory, "vocab.txt"), "w", encoding="utf-8") as vocab_file:
            vocab_file.write("\n".join(self.NARRATIVE_VOCABULARY) + "\n")

    def get_encoder_settings(self) -> EncoderSettings:
        """Return the settings for the narrative encoder."""
        return EncoderSettings(vocabulary_size=len(self.NARRATIVE_VOCABULARY))

    def create_narrative_tokenizer(self) -> BertTokenizer:
        """Return a tokenizer over the incident vocabulary."""
        return BertTokenizer(os.path.join(self._vocabulary_directory, "vocab.txt"))

    def create_severity_scoring_model(self) -> IncidentSeverityScoringModel:
        """Assemble encoder, pooling strategy and severity head."""
        settings = self.get_encoder_settings()
        encoder_config = BertConfig(vocab_size=settings.vocabulary_size, hidden_size=settings.hidden_size,
                                    num_hidden_layers=1, num_attention_heads=settings.attention_head_count,
                                    intermediate_size=settings.feed_forward_size,
                                    max_position_embeddings=settings.maximum_positions)
        severity_head = nn.Linear(in_features=encoder_config.hidden_size, out_features=len(IncidentSeverityLevel))
        return IncidentSeverityScoringModel(BertModel(encoder_config), ClsAndMeanConcatenationPoolingStrategy(),
                                            severity_head)


class IncidentTriageService:
    """Scores a batch of incident narratives and returns severity levels."""

    def __init__(self, tokenizer: BertTokenizer, scoring_model: IncidentSeverityScoringModel) -> None:
        """Store the tokenizer and scoring model."""
        self._tokenizer = tokenizer
        self._scoring_model = scoring_model

    def predict_severity_levels_for_narratives(self, narratives: List[str]) -> List[IncidentSeverityLevel]:
        """Return the predicted severity level for each narrative."""
        encoded = self._tokenizer(narratives, padding=True, truncation=True, max_length=32, return_tensors="pt")
        self._scoring_model.eval()
        with torch.no_grad():
            severity_logits = self._scoring_model(encoded["input_ids"], encoded["attention_mask"])
        return [IncidentSeverityLevel(int(i)) for i in severity_logits.argmax(dim=-1)]


def main() -> None:
    """Wire the factory and service together and triage today's reports."""
    torch.manual_seed(11)
    factory = IncidentSeverityModelFactory()
    triage_service = IncidentTriageService(factory.create_narrative_tokenizer(),
                                           factory.create_severity_scoring_model())
    todays_reports = [
        "engine room fire crew member injured",
        "fender scraped during berthing no damage reported",
        "anchor dragging near channel",
    ]
    LOGGER.info("triaging %d incident reports", len(todays_reports))
    for report, level in zip(todays_reports, triage_service.predict_severity_levels_for_narratives(todays_reports)):
        LOGGER.info("%-50s -> %s", report, level.name)


if __name__ == "__main__":
    main()
