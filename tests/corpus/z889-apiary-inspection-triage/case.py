"""Triage apiary inspection notes into colony-status classes with Accelerate.

Bee inspectors dictate short notes per hive; notes are prefixed with structural
markers for the hive and the frame being described. The classifier flags the
colonies that need a follow-up visit.
"""
import functools
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


@dataclass(frozen=True)
class ApiaryTriageSettings:
    random_seed: int = 23
    maximum_note_tokens: int = 40
    training_batch_size: int = 3
    learning_rate: float = 3e-4
    training_epochs: int = 2
    inspection_marker_tokens: tuple = ("[HIVE]", "[FRAME]", "[BROOD]")


SETTINGS = ApiaryTriageSettings()
COLONY_STATUS_NAMES = ["healthy", "queenless", "swarm_preparation", "disease_suspected"]

INSPECTION_NOTES_WITH_STATUS = [
    ("[HIVE] north row [FRAME] capped brood solid pattern calm bees", "healthy"),
    ("[HIVE] orchard two [FRAME] no eggs no larvae roaring bees", "queenless"),
    ("[HIVE] orchard five [BROOD] queen cells along bottom bars crowded", "swarm_preparation"),
    ("[HIVE] hedge one [BROOD] sunken perforated cappings ropey smell", "disease_suspected"),
    ("[HIVE] north row [FRAME] fresh eggs pollen stores good", "healthy"),
    ("[HIVE] hedge three [FRAME] laying workers multiple eggs per cell", "queenless"),
    ("[HIVE] orchard one [BROOD] queen cups charged crowded supers", "swarm_preparation"),
    ("[HIVE] north row [BROOD] spotty brood chalky mummies on floor", "disease_suspected"),
    ("[HIVE] hedge two [FRAME] calm bees solid pattern stores good", "healthy"),
]


def seed_every_random_generator(*, random_seed):
    """Seed python and torch so the tiny model starts from the same weights."""
    random.seed(random_seed)
    torch.manual_seed(random_seed)


def build_inspection_tokenizer(*, destination_directory, inspection_notes, marker_tokens):
    """Write a word vocabulary for the notes and register the inspection markers as special tokens."""
    base_special_tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    note_words = sorted(
        {word for note_text, _ in inspection_notes for word in note_text.split() if word not in marker_tokens}
    )
    vocabulary_path = os.path.join(destination_directory, "vocab.txt")
    with open(vocabulary_path, "w", encoding="utf-8") as vocabulary_handle:
        vocabulary_handle.write("\n".join(base_special_tokens + note_words) + "\n")
    inspection_tokenizer = BertTokenizer(vocabulary_path)
    inspection_tokenizer.add_special_tokens({"additional_special_tokens": list(marker_tokens)})
    return inspection_tokenizer


def collate_inspection_notes(labelled_note_pairs, *, tokenizer, maximum_length, status_name_to_index):
    """Tokenize a list of (note, status) pairs into one padded batch dictionary."""
    note_texts = [note_text for note_text, _ in labelled_note_pairs]
    padded_note_batch = tokenizer(
        note_texts, padding=True, truncation=True, max_length=maximum_length, return_tensors="pt"
    )
    padded_note_batch["labels"] = torch.tensor(
        [status_name_to_index[status_name] for _, status_name in labelled_note_pairs], dtype=torch.long
    )
    return padded_note_batch


def build_colony_status_classifier(*, tokenizer, number_of_statuses):
    """Create a small randomly initialised BERT sequence classifier sized to the tokenizer."""
    classifier_configuration = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=number_of_statuses,
        pad_token_id=tokenizer.pad_token_id,
    )
    return BertForSequenceClassification(classifier_configuration)


def run_training_epochs(*, accelerator, classifier, optimizer, training_loader, training_epochs):
    """Plain Accelerate loop: forward, backward through the accelerator, step."""
    classifier.train()
    for epoch_number in range(1, training_epochs + 1):
        accumulated_epoch_loss = 0.0
        for note_batch in training_loader:
            classifier_output = classifier(**note_batch)
            accelerator.backward(classifier_output.loss)
            optimizer.step()
            optimizer.zero_grad()
            accumulated_epoch_loss += classifier_output.loss.item()
        accelerator.print(f"epoch {epoch_number}: mean loss {accumulated_epoch_loss / len(training_loader):.4f}")


def main():
    """Assemble tokenizer, model and loader, then fine-tune the triage classifier."""
    seed_every_random_generator(random_seed=SETTINGS.random_seed)
    accelerator = Accelerator(cpu=True)
    working_directory = tempfile.mkdtemp(prefix="apiary_triage_")

    inspection_tokenizer = build_inspection_tokenizer(
        destination_directory=working_directory,
        inspection_notes=INSPECTION_NOTES_WITH_STATUS,
        marker_tokens=SETTINGS.inspection_marker_tokens,
    )
    status_name_to_index = {status_name: index for index, status_name in enumerate(COLONY_STATUS_NAMES)}
    accelerator.print(f"tokenizer ready with {len(inspection_tokenizer)} entries")

    inspection_note_loader = DataLoader(
        INSPECTION_NOTES_WITH_STATUS,
        batch_size=SETTINGS.training_batch_size,
        shuffle=True,
        collate_fn=functools.partial(
            collate_inspection_notes,
            tokenizer=inspection_tokenizer,
            maximum_length=SETTINGS.maximum_note_tokens,
            status_name_to_index=status_name_to_index,
        ),
    )
    colony_status_classifier = build_colony_status_classifier(
        tokenizer=inspection_tokenizer, number_of_statuses=len(COLONY_STATUS_NAMES)
    )
    classifier_optimizer = torch.optim.AdamW(colony_status_classifier.parameters(), lr=SETTINGS.learning_rate)

    colony_status_classifier, classifier_optimizer, inspection_note_loader = accelerator.prepare(
        colony_status_classifier, classifier_optimizer, inspection_note_loader
    )
    run_training_epochs(
        accelerator=accelerator,
        classifier=colony_status_classifier,
        optimizer=classifier_optimizer,
        training_loader=inspection_note_loader,
        training_epochs=SETTINGS.training_epochs,
    )
    accelerator.print("apiary triage classifier trained")


if __name__ == "__main__":
    main()
