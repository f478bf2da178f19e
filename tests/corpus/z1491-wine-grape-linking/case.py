"""Entity-linking warm-up for wine tasting notes.

Each note mentions a grape or a region at known character offsets. We wrap the
mention in typed marker tokens, embed the note with a sentence-transformers
pipeline and pool the hidden state at the opening marker, then train with
in-batch negatives against the canonical concept name.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

# (note, char_start, char_end, entity_type, canonical concept)
NOTES = [
    ("bright cherry and violet from old vine grenache on sandy soil", 39, 47, "GRAPE", "grenache noir"),
    ("the rioja shows vanilla oak and dried fig on the finish", 4, 9, "REGION", "rioja doca"),
    ("crisp riesling with lime zest and a petrol edge", 6, 14, "GRAPE", "riesling"),
    ("a mosel kabinett with green apple and slate", 2, 7, "REGION", "mosel valley"),
    ("dense syrah with black pepper and smoked meat", 6, 11, "GRAPE", "syrah shiraz"),
    ("chalky chablis showing oyster shell and lemon pith", 7, 14, "REGION", "chablis aoc"),
    ("juicy gamay with raspberry and a light chill", 6, 11, "GRAPE", "gamay noir"),
    ("barossa fruit with plum jam and sweet spice", 0, 7, "REGION", "barossa valley"),
]

ENTITY_MARKERS = {
    "GRAPE": ("[GRAPE]", "[/GRAPE]"),
    "REGION": ("[REGION]", "[/REGION]"),
}


def build_checkpoint(workdir):
    words = sorted({w for note, *_ in NOTES for w in note.split()} |
                   {w for *_, concept in NOTES for w in concept.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(workdir)
    tok.save_pretrained(workdir)
    return workdir


def mark_mention(text, start, end, etype):
    open_tag, close_tag = ENTITY_MARKERS[etype]
    return f"{text[:start]}{open_tag} {text[start:end]} {close_tag}{text[end:]}"


class OpeningMarkerPooling(nn.Module):
    """Take the hidden state at the first typed opening marker of each row."""

    def __init__(self, marker_ids, dim):
        super().__init__()
        self.register_buffer("marker_ids", torch.tensor(marker_ids), persistent=False)
        self.dim = dim

    def forward(self, features, **kwargs):
        token_emb = features["token_embeddings"]
        hits = torch.isin(features["input_ids"], self.marker_ids)
        first = hits.float().argmax(dim=1)
        rows = torch.arange(token_emb.size(0), device=token_emb.device)
        features["sentence_embedding"] = token_emb[rows, first]
        return features

    def get_sentence_embedding_dimension(self):
        return self.dim


def main():
    ckpt = build_checkpoint(tempfile.mkdtemp(prefix="wine_ckpt_"))
    encoder = models.Transformer(ckpt, max_seq_length=48)

    marker_tokens = [t for pair in ENTITY_MARKERS.values() for t in pair]
    added = encoder.tokenizer.add_tokens(marker_tokens, special_tokens=True)
    print(f"added {added} marker tokens, tokenizer size now {len(encoder.tokenizer)}")

    opening_ids = [encoder.tokenizer.convert_tokens_to_ids(o) for o, _ in ENTITY_MARKERS.values()]
    pooler = OpeningMarkerPooling(opening_ids, encoder.get_embedding_dimension())
    model = SentenceTransformer(modules=[encoder, pooler], device="cpu")

    examples = []
    for text, start, end, etype, concept in NOTES:
        print(f"  {etype:<6} {text[start:end]!r:>12} -> {concept}")
        examples.append(InputExample(texts=[mark_mention(text, start, end, etype), concept]))

    loader = DataLoader(examples, shuffle=True, batch_size=4)
    objective = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=1,
                  show_progress_bar=False)

    probe = mark_mention(*NOTES[0][:4])
    vec = model.encode([probe], convert_to_tensor=True)
    print("probe embedding norm:", vec.norm().item())


if __name__ == "__main__":
    main()
