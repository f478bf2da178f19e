"""Route-of-administration classifier for veterinary dosing instructions.

Clinic staff type dosing instructions into the practice-management system; this
module predicts how the drug is administered so the label printer can pick the
right pictogram.
"""
import enum
import logging
from typing import Dict, List, Protocol, Sequence

import torch
from torch import nn

logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(name)s | %(message)s")
LOGGER = logging.getLogger("vet.dosing.route")


class AdministrationRoute(enum.IntEnum):
    """Pictogram groups supported by the label printer."""

    ORAL = 0
    TOPICAL = 1
    INJECTABLE = 2
    OPHTHALMIC = 3


class InstructionTokenizationService(Protocol):
    """Turns instruction strings into padded id tensors plus a presence mask."""

    def tokenize_and_pad_instruction_batch(self, instructions: Sequence[str]) -> Dict[str, torch.Tensor]:
        """Return {'token_ids': ..., 'token_presence_mask': ...}."""


class WhitespaceInstructionTokenizationService:
    """Lower-cases, splits on whitespace and maps words to ids from a fixed lexicon."""

    PADDING_TOKEN_ID = 0
    UNKNOWN_TOKEN_ID = 1

    def __init__(self, lexicon: Sequence[str]) -> None:
        """Build the word -> id table; ids 0 and 1 are reserved."""
        self._word_to_identifier = {word: index + 2 for index, word in enumerate(lexicon)}

    def get_vocabulary_size(self) -> int:
        """Return the number of ids including the two reserved ones."""
        return len(self._word_to_identifier) + 2

    def tokenize_and_pad_instruction_batch(self, instructions: Sequence[str]) -> Dict[str, torch.Tensor]:
        """Tokenize every instruction and right-pad to the longest one."""
        tokenized = [[self._word_to_identifier.get(w, self.UNKNOWN_TOKEN_ID) for w in text.lower().split()]
                     for text in instructions]
        longest = max(len(ids) for ids in tokenized)
        token_ids = torch.full((len(tokenized), longest), self.PADDING_TOKEN_ID, dtype=torch.long)
        token_presence_mask = torch.zeros((len(tokenized), longest), dtype=torch.long)
        for row, ids in enumerate(tokenized):
            token_ids[row, :len(ids)] = torch.tensor(ids)
            token_presence_mask[row, :len(ids)] = 1
        return {"token_ids": token_ids, "token_presence_mask": token_presence_mask}


class AttentivePoolingRouteClassifier(nn.Module):
    """Embedding bag with learned attention pooling and a linear route head."""

    def __init__(self, vocabulary_size: int, embedding_width: int, number_of_routes: int) -> None:
        """Create the embedding table, the attention scorer and the output head."""
        super().__init__()
        self.word_embeddings = nn.Embedding(vocabulary_size, embedding_width, padding_idx=0)
        self.attention_scorer = nn.Linear(embedding_width, 1)
        self.route_head = nn.Linear(embedding_width, number_of_routes)

    def forward(self, token_ids: torch.Tensor, token_presence_mask: torch.Tensor) -> torch.Tensor:
        """Return route logits of shape (batch, number_of_routes)."""
        embedded_words = self.word_embeddings(token_ids)
        attention_scores = self.attention_scorer(embedded_words).squeeze(-1)
        padding_positions = 1 - token_presence_mask
        attention_scores = attention_scores.masked_fill(padding_positions, float("-inf"))
        attention_weights = torch.softmax(attention_scores, dim=-1).unsqueeze(-1)
        return self.route_head((attention_weights * embedded_words).sum(dim=1))


class RouteClassifierFactory:
    """Creates classifiers sized for a given tokenization service."""

    def create_route_classifier_for_tokenizer(self, tokenizer: WhitespaceInstructionTokenizationService
                                              ) -> AttentivePoolingRouteClassifier:
        """Return a classifier whose vocabulary matches the tokenizer."""
        return AttentivePoolingRouteClassifier(tokenizer.get_vocabulary_size(), embedding_width=24,
                                               number_of_routes=len(AdministrationRoute))


class RouteClassifierTrainingService:
    """Fits the classifier on labelled dosing instructions."""

    def __init__(self, tokenizer: InstructionTokenizationService, classifier: AttentivePoolingRouteClassifier):
        """Store collaborators and set up the optimizer and loss."""
        self._tokenizer = tokenizer
        self._classifier = classifier
        self._optimizer = torch.optim.Adam(classifier.parameters(), lr=1e-2)
        self._loss_function = nn.CrossEntropyLoss()

    def fit_classifier_on_labelled_instructions(self, instructions: List[str], routes: List[AdministrationRoute],
                                                number_of_epochs: int) -> None:
        """Full-batch training for the requested number of epochs."""
        model_batch = self._tokenizer.tokenize_and_pad_instruction_batch(instructions)
        targets = torch.tensor([int(r) for r in routes])
        for epoch in range(number_of_epochs):
            route_logits = self._classifier(**model_batch)
            loss = self._loss_function(route_logits, targets)
            self._optimizer.zero_grad()
            loss.backward()
            self._optimizer.step()
            LOGGER.info("epoch %02d loss %.4f", epoch, loss.item())


def main() -> None:
    """Build the tokenizer, classifier and trainer, then fit on the clinic sample."""
    torch.manual_seed(3)
    lexicon = ["give", "one", "tablet", "by", "mouth", "twice", "daily", "apply", "thin", "layer", "to", "affected",
               "area", "inject", "subcutaneously", "once", "weekly", "instil", "drop", "in", "each", "eye", "with",
               "food", "ml", "under", "skin", "paw", "pads"]
    instructions = ["give one tablet by mouth twice daily with food",
                    "apply thin layer to paw pads",
                    "inject 1 ml subcutaneously once weekly",
                    "instil one drop in each eye",
                    "give 2 ml by mouth once daily"]
    routes = [AdministrationRoute.ORAL, AdministrationRoute.TOPICAL, AdministrationRoute.INJECTABLE,
              AdministrationRoute.OPHTHALMIC, AdministrationRoute.ORAL]
    tokenizer = WhitespaceInstructionTokenizationService(lexicon)
    classifier = RouteClassifierFactory().create_route_classifier_for_tokenizer(tokenizer)
    LOGGER.info("vocabulary size %d, %d training instructions", tokenizer.get_vocabulary_size(), len(instructions))
    RouteClassifierTrainingService(tokenizer, classifier).fit_classifier_on_labelled_instructions(
        instructions, routes, number_of_epochs=5)
    LOGGER.info("route classifier ready")


if __name__ == "__main__":
    main()
