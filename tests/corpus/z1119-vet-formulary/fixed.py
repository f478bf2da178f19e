"""Train a small sentence encoder for veterinary formulary notes.

Clinic staff search the formulary with loose phrasing ("pain relief for old dog
with sore joints") and we want those queries close to the matching monograph
line. Drug names are kept whole as extra tokens so they don't split into [UNK].
"""
import os
import tempfile

import torch
import yaml
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

CONFIG_TEXT = """
defaults: &defaults
  model: &encoder
    hidden_size: 32
    num_layers: 1
    num_heads: 2
    ffn_size: 64
    max_positions: 64
    max_seq_length: 32
    added_tokens: []
  fit:
    batch_size: 4
    epochs: 1
    warmup: 0

farm_animal:
  <<: *defaults

small_animal:
  <<: *defaults
  model:
    <<: *encoder
    added_tokens: [meloxicam, gabapentin, ivermectin, maropitant, amoxicillin]
"""
PROFILE = "small_animal"

BASE_WORDS = """pain relief for old dog with sore joints nsaid given once daily
with food cat vomiting after car travel anti nausea tablet before journey
worm treatment for cattle pour on dose by weight antibiotic course for skin
infection twice a day nerve pain in senior cats capsule at night""".split()

PAIRS = [
    ("pain relief for old dog with sore joints", "meloxicam nsaid given once daily with food", 0.9),
    ("cat vomiting after car travel", "maropitant anti nausea tablet before journey", 0.9),
    ("worm treatment for cattle", "ivermectin pour on dose by weight", 0.85),
    ("antibiotic course for skin infection", "amoxicillin twice a day with food", 0.8),
    ("nerve pain in senior cats", "gabapentin capsule at night", 0.85),
    ("pain relief for old dog with sore joints", "ivermectin pour on dose by weight", 0.1),
    ("cat vomiting after car travel", "amoxicillin twice a day with food", 0.15),
    ("worm treatment for cattle", "gabapentin capsule at night", 0.05),
]


def build_encoder_dir(profile):
    """Write a fresh tokenizer + randomly initialised BERT that ST can load."""
    out_dir = tempfile.mkdtemp(prefix="vetform_")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(BASE_WORDS))) + "\n")

    tokenizer = BertTokenizer(vocab_path)
    n_new = tokenizer.add_tokens(profile["model"]["added_tokens"])
    print(f"added {n_new} formulary terms to the tokenizer")

    bert_cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=profile["model"]["hidden_size"],
        num_hidden_layers=profile["model"]["num_layers"],
        num_attention_heads=profile["model"]["num_heads"],
        intermediate_size=profile["model"]["ffn_size"],
        max_position_embeddings=profile["model"]["max_positions"],
    )
    BertModel(bert_cfg).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def examples_from_pairs(pairs):
    for query, line, score in pairs:
        yield InputExample(texts=[query, line], label=float(score))


def main():
    torch.manual_seed(21)
    profile = yaml.safe_load(CONFIG_TEXT)[PROFILE]
    print(f"using profile '{PROFILE}'")

    encoder_dir = build_encoder_dir(profile)
    word_model = models.Transformer(encoder_dir, max_seq_length=profile["model"]["max_seq_length"])
    pooling = models.Pooling(word_model.get_embedding_dimension())
    st_model = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    train_examples = list(examples_from_pairs(PAIRS))
    loader = DataLoader(train_examples, shuffle=True, batch_size=profile["fit"]["batch_size"])
    objective = losses.CosineSimilarityLoss(st_model)

    st_model.old_fit(
        train_objectives=[(loader, objective)],
        epochs=profile["fit"]["epochs"],
        warmup_steps=profile["fit"]["warmup"],
        show_progress_bar=False,
    )
    emb = st_model.encode(["dog joint pain", "meloxicam nsaid given once daily"])
    sim = torch.nn.functional.cosine_similarity(torch.tensor(emb[0]), torch.tensor(emb[1]), dim=0)
    print(f"similarity after training: {sim.item():.3f}")


if __name__ == "__main__":
    main()
