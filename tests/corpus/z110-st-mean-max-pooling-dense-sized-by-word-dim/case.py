"""Fine-tune a product-title similarity model (sentence-transformers, CosineSimilarityLoss, manual loop)."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer, losses
from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

PAIRS = [
    ("apple iphone 13 128gb blue", "iphone 13 blue 128 gb", 0.95),
    ("samsung galaxy s21 case", "galaxy s21 phone cover", 0.8),
    ("usb c charging cable 2m", "lightning cable 1m", 0.3),
    ("sony wireless headphones black", "sony noise cancelling headphones", 0.7),
    ("apple iphone 13 128gb blue", "samsung galaxy s21 case", 0.05),
    ("usb c charging cable 2m", "usb c cable 2 m braided", 0.9),
    ("logitech wireless mouse", "wireless optical mouse logitech", 0.9),
    ("logitech wireless mouse", "sony wireless headphones black", 0.1),
]
PROJ_DIM = 16


def local_encoder(folder):
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    BertModel(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    tok.save_pretrained(folder)
    return Transformer(folder, max_seq_length=32)


def build_model(folder):
    word = local_encoder(folder)
    dim = word.get_embedding_dimension()
    pooling = Pooling(dim, pooling_mode=("mean", "max"))  # mean + max works better on short titles
    projection = Dense(in_features=dim, out_features=PROJ_DIM, activation_function=torch.nn.Tanh())
    return SentenceTransformer(modules=[word, pooling, projection], device="cpu")


def pair_collate(model):
    def collate(rows):
        left = model.preprocess([a for a, _, _ in rows])
        right = model.preprocess([b for _, b, _ in rows])
        return [left, right], torch.tensor([s for _, _, s in rows], dtype=torch.float)
    return collate


if __name__ == "__main__":
    torch.manual_seed(0)
    model = build_model(tempfile.mkdtemp())
    loss_fn = losses.CosineSimilarityLoss(model)
    loader = DataLoader(PAIRS, batch_size=4, shuffle=True, collate_fn=pair_collate(model))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)
    model.train()
    for epoch in range(2):
        for features, scores in loader:
            loss = loss_fn(features, scores)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: loss={loss.item():.4f}")
