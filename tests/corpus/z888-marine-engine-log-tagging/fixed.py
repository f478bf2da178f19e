"""Tag component and fault spans in engine-room maintenance log entries, so the fleet office
can count recurring failures per vessel class."""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer, Trainer, TrainingArguments


@dataclass(frozen=True)
class EngineLogTaggingSettings:
    random_seed: int = 11
    maximum_words_per_log_entry: int = 20
    maximum_subword_tokens: int = 32
    ignored_tag_index: int = -100
    training_batch_size: int = 4
    learning_rate: float = 5e-4


SETTINGS = EngineLogTaggingSettings()
TAG_NAMES = ["O", "B-COMPONENT", "I-COMPONENT", "B-FAULT", "I-FAULT"]
TAG_NAME_TO_INDEX = {tag_name: tag_index for tag_index, tag_name in enumerate(TAG_NAMES)}

ANNOTATED_ENGINE_LOG_ENTRIES = [
    ("found seawater pump seal leaking at 0400", "O B-COMPONENT I-COMPONENT I-COMPONENT B-FAULT O O"),
    ("fuel injector nozzle carbon fouled replaced", "B-COMPONENT I-COMPONENT I-COMPONENT B-FAULT I-FAULT O"),
    ("turbocharger bearing vibration high stopped engine", "B-COMPONENT I-COMPONENT B-FAULT I-FAULT O O"),
    ("lube oil filter clogged changed element", "B-COMPONENT I-COMPONENT I-COMPONENT B-FAULT O O"),
    ("jacket water cooler tubes scaled cleaned", "B-COMPONENT I-COMPONENT I-COMPONENT I-COMPONENT B-FAULT O"),
    ("starting air valve sticking freed and greased", "B-COMPONENT I-COMPONENT I-COMPONENT B-FAULT O O O"),
    ("governor linkage worn adjusted at noon", "B-COMPONENT I-COMPONENT B-FAULT O O O"),
    ("exhaust manifold gasket blown renewed", "B-COMPONENT I-COMPONENT I-COMPONENT B-FAULT O"),
]


def seed_every_random_generator(*, random_seed):
    """Seed python and torch for a reproducible run."""
    random.seed(random_seed)
    torch.manual_seed(random_seed)


def write_engine_log_vocabulary(*, destination_directory, log_entries):
    """Write a vocab.txt with the special tokens and every word seen in the log entries."""
    special_tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    log_words = sorted({word for entry_text, _ in log_entries for word in entry_text.split()})
    vocabulary_path = os.path.join(destination_directory, "vocab.txt")
    with open(vocabulary_path, "w", encoding="utf-8") as vocabulary_handle:
        vocabulary_handle.write("\n".join(special_tokens + log_words) + "\n")
    return vocabulary_path


def pad_sequence_to_length(*, values, target_length, padding_value):
    """Right-pad a python list with padding_value until it reaches target_length."""
    return list(values) + [padding_value] * (target_length - len(values))


def encode_single_log_entry(*, tokenizer, entry_words, entry_tag_names, settings):
    """Tokenize one log entry and project its word-level tags onto the subword tokens."""
    capped_entry_words = entry_words[: settings.maximum_words_per_log_entry]
    subword_encoding = tokenizer(
        capped_entry_words, is_split_into_words=True, truncation=True, max_length=settings.maximum_subword_tokens
    )
    subword_aligned_tag_indices = []
    previous_word_position = None
    for word_position in subword_encoding.word_ids():
        if word_position is None or word_position == previous_word_position:
            subword_aligned_tag_indices.append(settings.ignored_tag_index)
        else:
            subword_aligned_tag_indices.append(TAG_NAME_TO_INDEX[entry_tag_names[word_position]])
        previous_word_position = word_position

    return {
        "input_ids": pad_sequence_to_length(
            values=subword_encoding["input_ids"], target_length=settings.maximum_subword_tokens, padding_value=tokenizer.pad_token_id
        ),
        "attention_mask": pad_sequence_to_length(
            values=subword_encoding["attention_mask"], target_length=settings.maximum_subword_tokens, padding_value=0
        ),
        "labels": pad_sequence_to_length(
            values=subword_aligned_tag_indices,
            target_length=settings.maximum_subword_tokens,
            padding_value=settings.ignored_tag_index,
        ),
    }


class EncodedEngineLogDataset(Dataset):
    """Holds the tokenized, tag-aligned log entries as tensors for the Trainer."""

    def __init__(self, *, tokenized_log_entries_with_tags):
        """Store the list of already encoded feature dictionaries."""
        self.tokenized_log_entries_with_tags = tokenized_log_entries_with_tags

    def __len__(self):
        """Number of encoded log entries."""
        return len(self.tokenized_log_entries_with_tags)

    def __getitem__(self, entry_position):
        """Return one entry's features as long tensors."""
        encoded_entry = self.tokenized_log_entries_with_tags[entry_position]
        return {feature_name: torch.tensor(feature_values) for feature_name, feature_values in encoded_entry.items()}


def main():
    """Build a tiny tagger from scratch and fine-tune it on the annotated engine log."""
    seed_every_random_generator(random_seed=SETTINGS.random_seed)
    working_directory = tempfile.mkdtemp(prefix="engine_log_tagger_")
    engine_log_tokenizer = BertTokenizer(
        write_engine_log_vocabulary(destination_directory=working_directory, log_entries=ANNOTATED_ENGINE_LOG_ENTRIES)
    )

    tokenized_log_entries_with_tags = [
        encode_single_log_entry(
            tokenizer=engine_log_tokenizer,
            entry_words=entry_text.split(),
            entry_tag_names=entry_tags.split(),
            settings=SETTINGS,
        )
        for entry_text, entry_tags in ANNOTATED_ENGINE_LOG_ENTRIES
    ]
    print(f"encoded {len(tokenized_log_entries_with_tags)} engine log entries")

    tagger_configuration = BertConfig(
        vocab_size=engine_log_tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAG_NAMES),
    )
    engine_log_tagger = BertForTokenClassification(tagger_configuration)

    tagger_training_arguments = TrainingArguments(
        output_dir=os.path.join(working_directory, "checkpoints"),
        num_train_epochs=1,
        per_device_train_batch_size=SETTINGS.training_batch_size,
        learning_rate=SETTINGS.learning_rate,
        save_strategy="no",
        logging_steps=1,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    engine_log_trainer = Trainer(
        model=engine_log_tagger,
        args=tagger_training_arguments,
        train_dataset=EncodedEngineLogDataset(tokenized_log_entries_with_tags=tokenized_log_entries_with_tags),
    )
    training_outcome = engine_log_trainer.train()
    print(f"finished tagging fine-tune, final loss {training_outcome.training_loss:.4f}")


if __name__ == "__main__":
    main()
