"""Active learning for spam triage on top of a frozen sentence encoder (encoder + mean pooling + Dense to 16-d).

Each round: embed the pool, fit a logistic-regression head on the labelled part, ask the oracle for the
BUDGET most uncertain messages.
"""
import os
import tempfile

import torch
import torch.nn as nn
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

POOL = [
    ("win a free phone now", 1), ("are we still on for lunch", 0), ("claim your prize money today", 1),
    ("the meeting moved to friday", 0), ("cheap loans approved instantly", 1), ("can you send the slides", 0),
    ("you have been selected for a reward", 1), ("dinner at my place tonight", 0), ("urgent your account is locked", 1),
    ("thanks for the birthday wishes", 0), ("limited offer click the link", 1), ("see you at the gym", 0),
]
SEED_SIZE, BUDGET, ROUNDS = 4, 2, 3


def build_encoder(folder):
    words = sorted({w for text, _ in POOL for w in text.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    word_model = Transformer(folder, max_seq_length=32)
    pooling = Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
    projection = Dense(in_features=pooling.get_embedding_dimension(), out_features=16, activation_function=nn.Tanh())
    return SentenceTransformer(modules=[word_model, pooling, projection], device="cpu")


def train_head(head, x, y, epochs=30):
    opt = torch.optim.LBFGS(head.parameters(), max_iter=epochs)

    def closure():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(head(x), y)
        loss.backward()
        return loss

    opt.step(closure)
    return head


def entropy(logits):
    p = logits.softmax(-1)
    return -(p * p.clamp_min(1e-9).log()).sum(-1)


encoder = build_encoder(tempfile.mkdtemp(prefix="al-encoder-"))
texts = [t for t, _ in POOL]
oracle = torch.tensor([label for _, label in POOL])
embeddings = encoder.encode(texts, convert_to_tensor=True, show_progress_bar=False)

labelled = list(range(SEED_SIZE))
for round_ in range(ROUNDS):
    head = nn.Linear(encoder.get_embedding_dimension(), 2)
    head = train_head(head, embeddings[labelled], oracle[labelled])
    unlabelled = [i for i in range(len(texts)) if i not in labelled]
    with torch.no_grad():
        scores = entropy(head(embeddings[unlabelled]))
    picked = [unlabelled[i] for i in scores.topk(BUDGET).indices.tolist()]
    labelled += picked
    print(f"round {round_}: asked the oracle about {[texts[i] for i in picked]}")
print("labelled", len(labelled), "of", len(texts))
