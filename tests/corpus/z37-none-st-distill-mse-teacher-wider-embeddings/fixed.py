"""Multilingual knowledge distillation (make_multilingual recipe): a student sentence-transformers model is
trained so that its embeddings of source and translated sentences match the teacher's English embeddings."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
parallel = [("the weather is nice today", "il fait beau aujourd hui"),
            ("where is the train station", "ou est la gare"),
            ("i would like a coffee", "je voudrais un cafe"),
            ("thank you very much", "merci beaucoup")]


def tiny_st(hidden_size, layers, words):
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=hidden_size, num_hidden_layers=layers,
                         num_attention_heads=2, intermediate_size=2 * hidden_size,
                         max_position_embeddings=32)).save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=24)
    return SentenceTransformer(modules=[word, models.Pooling(hidden_size, pooling_mode="mean")], device="cpu")


english = {w for en, _ in parallel for w in en.split()}
teacher = tiny_st(48, 2, english)
student = tiny_st(32, 1, english | {w for _, fr in parallel for w in fr.split()})
student.append(models.Dense(student.get_embedding_dimension(), teacher.get_embedding_dimension()))

sources = [en for en, _ in parallel]
targets = [fr for _, fr in parallel]
teacher_emb = torch.from_numpy(teacher.encode(sources))

mse = losses.MSELoss(model=student)
optimizer = torch.optim.AdamW(student.parameters(), lr=1e-3)
student.train()
for epoch in range(3):
    for texts in (sources, targets):
        features = student.tokenize(texts)
        loss = mse([features], teacher_emb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch}: mse {loss.item():.4f}")
