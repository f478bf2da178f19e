"""Pick-exception triage model for the fulfilment-centre floor scanners.

Classifies free-text notes that pickers type into their handhelds when a pick
cannot be completed, so the exception can be routed to the right team.
"""
import enum
import logging
import os
import tempfile
from typing import List, Protocol, Sequence, Tuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
LOGGER = logging.getLogger("pick_exception_triage")


class PickExceptionCategory(enum.Enum):
    """Routing categories agreed with the warehouse operations team."""

    SHORT_PICK = enum.auto()
    DAMAGED_ITEM = enum.auto()
    WRONG_LOCATION = enum.auto()
    LABEL_UNREADABLE = enum.auto()


class TextEncodingService(Protocol):
    """Anything that can turn a list of picker notes into model inputs."""

    def encode_picker_notes_for_model(self, picker_notes: Sequence[str]) -> dict:
        """Return a dict of tensors ready for the classifier."""


class PickExceptionLabelEncoder:
    """Maps routing categories onto classifier output indices."""

    def convert_category_to_class_index(self, category: PickExceptionCategory) -> int:
        """Return the classifier index that represents ``category``."""
        return category.value

    def convert_categories_to_target_tensor(self, categories: Sequence[PickExceptionCategory]) -> torch.Tensor:
        """Return a LongTensor of class indices for a batch of categories."""
        return torch.tensor([self.convert_category_to_class_index(c) for c in categories], dtype=torch.long)


class WordPieceTextEncodingService:
    """Default TextEncodingService backed by a BertTokenizer."""

    def __init__(self, tokenizer: BertTokenizer, maximum_sequence_length: int) -> None:
        """Store the tokenizer and the truncation length."""
        self._tokenizer = tokenizer
        self._maximum_sequence_length = maximum_sequence_length

    def encode_picker_notes_for_model(self, picker_notes: Sequence[str]) -> dict:
        """Tokenize, pad and truncate the picker notes."""
        return dict(self._tokenizer(list(picker_notes), padding=True, truncation=True,
                                    max_length=self._maximum_sequence_length, return_tensors="pt"))


class PickExceptionModelFactory:
    """Builds the tokenizer and classifier used by the triage service."""

    VOCABULARY_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "bin", "empty", "only", "two", "units",
                         "box", "crushed", "leaking", "torn", "wrong", "aisle", "slot", "item", "not", "at",
                         "barcode", "smudged", "label", "missing", "cannot", "scan", "found", "in", "shelf"]

    def get_vocabulary_file_path(self) -> str:
        """Write the warehouse vocabulary to a temp dir and return its path."""
        vocabulary_path = os.path.join(tempfile.mkdtemp(prefix="pickvocab_"), "vocab.txt")
        with open(vocabulary_path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(self.VOCABULARY_TOKENS) + "\n")
        return vocabulary_path

    def create_tokenizer(self) -> BertTokenizer:
        """Return a lower-casing WordPiece tokenizer over the warehouse vocabulary."""
        return BertTokenizer(self.get_vocabulary_file_path())

    def create_sequence_classifier(self, vocabulary_size: int) -> BertForSequenceClassification:
        """Return a small randomly initialised BERT classifier."""
        configuration = BertConfig(vocab_size=vocabulary_size, hidden_size=32, num_hidden_layers=1,
                                   num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                                   num_labels=len(PickExceptionCategory))
        return BertForSequenceClassification(configuration)


class PickExceptionTrainingService:
    """Runs the fine-tuning loop for the triage classifier."""

    def __init__(self, classifier: BertForSequenceClassification, text_encoder: TextEncodingService,
                 label_encoder: PickExceptionLabelEncoder, learning_rate: float = 5e-4) -> None:
        """Wire the collaborators together and create the optimizer."""
        self._classifier = classifier
        self._text_encoder = text_encoder
        self._label_encoder = label_encoder
        self._optimizer = torch.optim.AdamW(classifier.parameters(), lr=learning_rate)

    def run_single_training_epoch(self, labelled_examples: List[Tuple[str, PickExceptionCategory]]) -> float:
        """Train on all examples once and return the mean loss."""
        self._classifier.train()
        accumulated_loss = 0.0
        for batch_start in range(0, len(labelled_examples), 2):
            batch = labelled_examples[batch_start:batch_start + 2]
            model_inputs = self._text_encoder.encode_picker_notes_for_model([note for note, _ in batch])
            model_inputs["labels"] = self._label_encoder.convert_categories_to_target_tensor([cat for _, cat in batch])
            model_output = self._classifier(**model_inputs)
            self._optimizer.zero_grad()
            model_output.loss.backward()
            self._optimizer.step()
            accumulated_loss += model_output.loss.item()
        return accumulated_loss / max(1, (len(labelled_examples) + 1) // 2)


def get_labelled_picker_notes() -> List[Tuple[str, PickExceptionCategory]]:
    """Return the hand-labelled sample exported from the WMS audit log."""
    return [
        ("bin empty only two units", PickExceptionCategory.SHORT_PICK),
        ("box crushed item leaking", PickExceptionCategory.DAMAGED_ITEM),
        ("item not at slot wrong aisle", PickExceptionCategory.WRONG_LOCATION),
        ("barcode smudged cannot scan", PickExceptionCategory.LABEL_UNREADABLE),
        ("label missing cannot scan item", PickExceptionCategory.LABEL_UNREADABLE),
        ("item found in wrong shelf", PickExceptionCategory.WRONG_LOCATION),
    ]


def main() -> None:
    """Entry point: build collaborators, train for a few epochs, report the loss."""
    torch.manual_seed(7)
    model_factory = PickExceptionModelFactory()
    tokenizer = model_factory.create_tokenizer()
    classifier = model_factory.create_sequence_classifier(vocabulary_size=len(tokenizer))
    training_service = PickExceptionTrainingService(
        classifier=classifier,
        text_encoder=WordPieceTextEncodingService(tokenizer, maximum_sequence_length=24),
        label_encoder=PickExceptionLabelEncoder(),
    )
    labelled_examples = get_labelled_picker_notes()
    LOGGER.info("training on %d picker notes, %d categories", len(labelled_examples), len(PickExceptionCategory))
    for epoch_number in range(3):
        mean_loss = training_service.run_single_training_epoch(labelled_examples)
        LOGGER.info("epoch %d mean loss %.4f", epoch_number, mean_loss)
    LOGGER.info("pick-exception triage model trained")


if __name__ == "__main__":
    main()
