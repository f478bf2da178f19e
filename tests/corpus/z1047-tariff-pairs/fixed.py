"""Relation model for customs tariff goods descriptions.

Pairs of declared goods descriptions are labelled with how close their
tariff classification is; a SoftmaxLoss head over a tiny sentence encoder
learns the relation, the embeddings are later used for duplicate lookup.
"""
import logging
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("tariff")

DEV_PAIRS = [
    ("frozen boneless beef cuts", "frozen beef carcasses", "same_heading"),
    ("cotton knitted t shirts", "steel wire rope", "unrelated"),
    ("fresh atlantic salmon fillets", "frozen tuna loins", "same_chapter"),
    ("wooden dining chairs", "plastic garden hose", "unrelated"),
]
TRAIN_PAIRS = [
    ("frozen boneless beef cuts", "frozen boneless beef shoulder", "same_subheading"),
    ("cotton knitted t shirts", "cotton knitted polo shirts", "same_subheading"),
    ("fresh atlantic salmon fillets", "fresh trout fillets", "same_heading"),
    ("wooden dining chairs", "wooden office chairs", "same_heading"),
    ("steel wire rope", "frozen tuna loins", "unrelated"),
    ("plastic garden hose", "cotton knitted polo shirts", "unrelated"),
    ("frozen beef carcasses", "fresh trout fillets", "same_chapter"),
    ("wooden office chairs", "plastic garden hose", "unrelated"),
]


def save_tiny_encoder(texts):
    folder = tempfile.mkdtemp(prefix="tariff_enc_")
    words = sorted({w for t in texts for w in t.split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def make_label_indexer():
    table = {}

    def to_id(name):
        if name not in table:
            table[name] = len(table)
        return table[name]

    def count():
        return len(table)

    return to_id, count


def make_encoder(st_model, **opts):
    return lambda texts: st_model.encode(texts, **opts)


def to_examples(rows, to_id):
    return [InputExample(texts=[a, b], label=to_id(rel)) for a, b, rel in rows]


def build_model(folder, max_len=32):
    word = models.Transformer(folder, max_seq_length=max_len)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    random.seed(3)
    torch.manual_seed(3)
    all_texts = [t for a, b, _ in DEV_PAIRS + TRAIN_PAIRS for t in (a, b)]
    st_model = build_model(save_tiny_encoder(all_texts))

    # dev split is indexed first so the report columns keep the reviewers' order
    to_id, count = make_label_indexer()
    dev_examples = to_examples(DEV_PAIRS, to_id)
    train_examples = to_examples(TRAIN_PAIRS, to_id)
    n_relations = count()
    log.info("dev: %d pairs, %d relation types", len(dev_examples), n_relations)
    log.info("train: %d pairs", len(train_examples))

    loader = DataLoader(train_examples, shuffle=True, batch_size=4)
    relation_loss = losses.SoftmaxLoss(st_model, st_model.get_sentence_embedding_dimension(),
                                       n_relations)
    st_model.old_fit(train_objectives=[(loader, relation_loss)], epochs=1, warmup_steps=1,
                     optimizer_params={"lr": 5e-4}, show_progress_bar=False)

    embed = make_encoder(st_model, convert_to_tensor=True, normalize_embeddings=True)
    vecs = embed([a for a, _, _ in DEV_PAIRS])
    log.info("dev embeddings %s, mean norm %.3f", tuple(vecs.shape), vecs.norm(dim=1).mean().item())


if __name__ == "__main__":
    main()
