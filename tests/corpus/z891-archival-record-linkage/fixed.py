"""Train a sentence encoder that tells how two archival catalogue records relate.

Pairs of catalogue descriptions (from a regional archive's union catalogue) are
classified into relation types so that the deduplication pass can merge records
of the same work and cross-link editions and translations.
"""
import logging
import os
import random
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
catalogue_linkage_logger = logging.getLogger("catalogue_linkage")


@dataclass(frozen=True)
class CatalogueLinkageSettings:
    random_seed: int = 7
    encoder_hidden_size: int = 32
    encoder_maximum_positions: int = 64
    maximum_sequence_length: int = 48
    training_batch_size: int = 4
    training_epochs: int = 1


SETTINGS = CatalogueLinkageSettings()

RELATION_NAME_TO_CLASS_INDEX = {
    "same_work": 0,
    "different_edition": 1,
    "unrelated": 2,
    "translation_of": 3,
}

ANNOTATED_CATALOGUE_RECORD_PAIRS = [
    ("parish register of st mary baptisms 1702 1745", "baptisms register st mary parish 1702 to 1745", "same_work"),
    ("letters of the harbour master second edition", "letters of the harbour master first edition", "different_edition"),
    ("survey of the northern moorland enclosures", "minutes of the town council water committee", "unrelated"),
    ("chronicle of the abbey in latin manuscript", "chronicle of the abbey english translation", "translation_of"),
    ("map of the river estuary drawn 1810", "estuary map river drawn in 1810", "same_work"),
    ("rules of the weavers guild revised printing", "rules of the weavers guild original printing", "different_edition"),
    ("diary of a lighthouse keeper", "accounts of the county asylum kitchen", "unrelated"),
    ("sermons of the vicar in welsh", "sermons of the vicar rendered into english", "translation_of"),
]


def seed_every_random_generator(*, random_seed):
    """Seed python, numpy and torch so repeated runs produce the same weights."""
    random.seed(random_seed)
    np.random.seed(random_seed)
    torch.manual_seed(random_seed)


def write_catalogue_vocabulary_file(*, destination_directory, record_pairs):
    """Write a WordPiece vocabulary covering every word in the annotated pairs."""
    special_tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    catalogue_words = sorted({word for first, second, _ in record_pairs for word in (first + " " + second).split()})
    vocabulary_path = os.path.join(destination_directory, "vocab.txt")
    with open(vocabulary_path, "w", encoding="utf-8") as vocabulary_handle:
        vocabulary_handle.write("\n".join(special_tokens + catalogue_words) + "\n")
    return vocabulary_path


def build_small_catalogue_encoder_directory(*, settings, record_pairs):
    """Save a randomly initialised BERT encoder and its tokenizer into a temp directory."""
    encoder_directory = tempfile.mkdtemp(prefix="catalogue_encoder_")
    vocabulary_path = write_catalogue_vocabulary_file(destination_directory=encoder_directory, record_pairs=record_pairs)
    catalogue_tokenizer = BertTokenizer(vocabulary_path)
    encoder_configuration = BertConfig(
        vocab_size=catalogue_tokenizer.vocab_size,
        hidden_size=settings.encoder_hidden_size,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=settings.encoder_maximum_positions,
    )
    BertModel(encoder_configuration).save_pretrained(encoder_directory)
    catalogue_tokenizer.save_pretrained(encoder_directory)
    return encoder_directory


def assemble_sentence_encoder(*, encoder_directory, settings):
    """Stack the transformer module with mean pooling into a SentenceTransformer."""
    transformer_module = models.Transformer(encoder_directory, max_seq_length=settings.maximum_sequence_length)
    mean_pooling_module = models.Pooling(transformer_module.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[transformer_module, mean_pooling_module], device="cpu")


def convert_record_pairs_to_input_examples(*, record_pairs, relation_name_to_class_index):
    """Turn (record, record, relation name) triples into labelled InputExamples."""
    labelled_training_examples = []
    for first_record_description, second_record_description, relation_name in record_pairs:
        labelled_training_examples.append(
            InputExample(
                texts=[first_record_description, second_record_description],
                label=relation_name_to_class_index[relation_name],
            )
        )
    return labelled_training_examples


def main():
    """Build the encoder, wrap it in a relation classifier loss and train it for one epoch."""
    seed_every_random_generator(random_seed=SETTINGS.random_seed)
    encoder_directory = build_small_catalogue_encoder_directory(
        settings=SETTINGS, record_pairs=ANNOTATED_CATALOGUE_RECORD_PAIRS
    )
    catalogue_sentence_encoder = assemble_sentence_encoder(encoder_directory=encoder_directory, settings=SETTINGS)

    labelled_training_examples = convert_record_pairs_to_input_examples(
        record_pairs=ANNOTATED_CATALOGUE_RECORD_PAIRS,
        relation_name_to_class_index=RELATION_NAME_TO_CLASS_INDEX,
    )
    catalogue_linkage_logger.info("prepared %d annotated record pairs", len(labelled_training_examples))

    shuffled_training_loader = DataLoader(
        labelled_training_examples, shuffle=True, batch_size=SETTINGS.training_batch_size
    )
    relation_classification_objective = losses.SoftmaxLoss(
        model=catalogue_sentence_encoder,
        sentence_embedding_dimension=catalogue_sentence_encoder.get_embedding_dimension(),
        num_labels=len(RELATION_NAME_TO_CLASS_INDEX),
    )

    catalogue_sentence_encoder.old_fit(
        train_objectives=[(shuffled_training_loader, relation_classification_objective)],
        epochs=SETTINGS.training_epochs,
        warmup_steps=1,
        show_progress_bar=False,
    )

    record_embeddings = catalogue_sentence_encoder.encode(
        [first for first, _, _ in ANNOTATED_CATALOGUE_RECORD_PAIRS], convert_to_tensor=True, show_progress_bar=False
    )
    catalogue_linkage_logger.info("encoded catalogue records into shape %s", tuple(record_embeddings.shape))
    print("relation classifier training finished")


if __name__ == "__main__":
    main()
