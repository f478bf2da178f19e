"""Train a compact (16-d) sentence-transformers bi-encoder on NLI pairs with SoftmaxLoss, hand-written loop."""
import os
import tempfile

import torch
from sentence_transformers import SentenceTransformer, losses
from sentence_transformers.models import Dense, Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

NLI = [
    ("a man plays a guitar", "a person makes music", 0),
    ("a woman reads a book", "nobody is reading", 2),
    ("kids play in the snow", "it is winter", 1),
    ("a dog chases a ball", "an animal runs", 0),
    ("the chef cooks pasta", "the kitchen is empty", 2),
    ("two men ride bikes", "they are racing", 1),
    ("a girl sings on stage", "someone performs", 0),
    ("the bus is late", "the bus arrived early", 2),
]
EMBED_DIM = 16  # compact vectors for the search index


def save_base_encoder(folder):
    words = sorted({w for a, b, _ in NLI for w in (a + " " + b).split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)


save_base_encoder(WORK)
word_model = Transformer(WORK, max_seq_length=32)
pooling = Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
projection = Dense(in_features=pooling.get_sentence_embedding_dimension(), out_features=EMBED_DIM,
                   activation_function=torch.nn.Tanh())
model = SentenceTransformer(modules=[word_model, pooling, projection], device="cpu")

train_loss = losses.SoftmaxLoss(
    model,
    sentence_embedding_dimension=word_model.get_word_embedding_dimension(),
    num_labels=3,
)
optimizer = torch.optim.AdamW(train_loss.parameters(), lr=1e-3)

model.train()
for start in range(0, len(NLI), 4):
    rows = NLI[start:start + 4]
    premise = model.tokenize([r[0] for r in rows])
    hypothesis = model.tokenize([r[1] for r in rows])
    labels = torch.tensor([r[2] for r in rows])
    loss = train_loss([premise, hypothesis], labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"loss {loss.item():.4f}")
