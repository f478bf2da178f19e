"""Fault-category classifier for railway interlocking maintenance logs.

Signalling technicians log faults against specific signals and track circuits.
Asset identifiers are replaced by placeholder tokens before classification so
the model learns the fault wording rather than individual asset numbers.
"""
import enum
import logging
import os
import re
import tempfile
from typing import Dict, List, Protocol

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)-7s %(name)s :: %(message)s")
LOGGER = logging.getLogger("interlocking.faults")


class InterlockingFaultCategory(enum.IntEnum):
    """Fault categories from the maintenance standard."""

    TRACK_CIRCUIT_FAILURE = 0
    SIGNAL_LAMP_FAILURE = 1
    POINT_DETECTION_LOSS = 2


class AssetReferenceNormalizer(Protocol):
    """Replaces raw asset identifiers with placeholder tokens."""

    def normalize_asset_references_in_log_entry(self, log_entry: str) -> str:
        """Return the log entry with asset ids replaced."""


class RegexAssetReferenceNormalizer:
    """Regex-based normalizer for signal (S123), track circuit (TC45) and point (P7) identifiers."""

    PLACEHOLDER_PATTERNS = {"[SIGNAL_REF]": r"\bS\d+\b", "[TRACK_REF]": r"\bTC\d+\b", "[POINT_REF]": r"\bP\d+\b"}

    def get_placeholder_tokens(self) -> List[str]:
        """Return the placeholder tokens this normalizer may emit."""
        return list(self.PLACEHOLDER_PATTERNS)

    def normalize_asset_references_in_log_entry(self, log_entry: str) -> str:
        """Substitute every asset identifier with its placeholder."""
        for placeholder, pattern in self.PLACEHOLDER_PATTERNS.items():
            log_entry = re.sub(pattern, f" {placeholder} ", log_entry)
        return " ".join(log_entry.split())


class InterlockingClassifierFactory:
    """Builds the tokenizer and classifier for the fault-category model."""

    BASE_VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "track", "circuit", "showing", "occupied",
                       "when", "clear", "lamp", "proved", "out", "at", "red", "aspect", "points", "lost",
                       "detection", "in", "reverse", "normal", "position", "flickering", "failed", "after", "rain"]

    def __init__(self, normalizer: RegexAssetReferenceNormalizer) -> None:
        """Keep the normalizer so its placeholder tokens can be registered."""
        self._normalizer = normalizer

    def get_vocabulary_file_path(self) -> str:
        """Write the base vocabulary and return the file path."""
        vocabulary_path = os.path.join(tempfile.mkdtemp(prefix="ixl_vocab_"), "vocab.txt")
        with open(vocabulary_path, "w", encoding="utf-8") as vocabulary_handle:
            vocabulary_handle.write("\n".join(self.BASE_VOCABULARY) + "\n")
        return vocabulary_path

    def create_tokenizer_with_placeholder_tokens(self) -> BertTokenizer:
        """Return a tokenizer that keeps the placeholders as single tokens."""
        tokenizer = BertTokenizer(self.get_vocabulary_file_path())
        added = tokenizer.add_tokens(self._normalizer.get_placeholder_tokens(), special_tokens=True)
        LOGGER.info("registered %d placeholder tokens", added)
        return tokenizer

    def create_fault_classifier_for_tokenizer(self, tokenizer: BertTokenizer) -> BertForSequenceClassification:
        """Return a randomly initialised classifier sized for ``tokenizer``."""
        classifier_config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                                       num_attention_heads=2, intermediate_size=64, max_position_embeddings=48,
                                       num_labels=len(InterlockingFaultCategory))
        return BertForSequenceClassification(classifier_config)


class FaultLogBatchBuilder:
    """Normalizes and tokenizes log entries into model-ready batches."""

    def __init__(self, tokenizer: BertTokenizer, normalizer: AssetReferenceNormalizer) -> None:
        """Store the tokenizer and normalizer."""
        self._tokenizer = tokenizer
        self._normalizer = normalizer

    def build_training_batch_from_log_entries(self, log_entries: List[str],
                                              categories: List[InterlockingFaultCategory]) -> Dict[str, torch.Tensor]:
        """Return a dict batch with input ids, attention mask and labels."""
        normalized_entries = [self._normalizer.normalize_asset_references_in_log_entry(e) for e in log_entries]
        LOGGER.debug("normalized: %s", normalized_entries)
        encoded_batch = dict(self._tokenizer(normalized_entries, padding=True, return_tensors="pt"))
        encoded_batch["labels"] = torch.tensor([int(c) for c in categories])
        return encoded_batch


def main() -> None:
    """Wire normalizer, factory and batch builder together and run a short fine-tune."""
    torch.manual_seed(21)
    normalizer = RegexAssetReferenceNormalizer()
    factory = InterlockingClassifierFactory(normalizer)
    tokenizer = factory.create_tokenizer_with_placeholder_tokens()
    classifier = factory.create_fault_classifier_for_tokenizer(tokenizer)
    batch_builder = FaultLogBatchBuilder(tokenizer, normalizer)
    maintenance_log = [
        ("TC45 track circuit showing occupied when clear", InterlockingFaultCategory.TRACK_CIRCUIT_FAILURE),
        ("S123 red aspect lamp proved out", InterlockingFaultCategory.SIGNAL_LAMP_FAILURE),
        ("P7 points lost detection in reverse position", InterlockingFaultCategory.POINT_DETECTION_LOSS),
        ("TC12 track circuit flickering after rain", InterlockingFaultCategory.TRACK_CIRCUIT_FAILURE),
    ]
    training_batch = batch_builder.build_training_batch_from_log_entries(
        [entry for entry, _ in maintenance_log], [category for _, category in maintenance_log])
    optimizer = torch.optim.AdamW(classifier.parameters(), lr=1e-3)
    classifier.train()
    for step in range(4):
        step_output = classifier(**training_batch)
        optimizer.zero_grad()
        step_output.loss.backward()
        optimizer.step()
        LOGGER.info("step %d loss %.4f", step, step_output.loss.item())
    LOGGER.info("interlocking fault classifier fine-tuned")


if __name__ == "__main__":
    main()
