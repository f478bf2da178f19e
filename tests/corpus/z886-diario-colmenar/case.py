# Etiquetado de entidades en el diario de inspecciones de un colmenar.
# Modelo pequeño (embeddings + BiLSTM) para marcar colmenas, plagas y
# tratamientos en las anotaciones que los apicultores dictan en el campo.
import random
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

random.seed(3)
torch.manual_seed(3)

ETIQUETAS_ENTIDAD = ["O", "B-COLMENA", "B-PLAGA", "B-TRATAMIENTO", "B-PRODUCTO"]
IGNORAR = -100

# Cada anotación: lista de (palabra, etiqueta)
DIARIO = [
    [("colmena", "O"), ("c12", "B-COLMENA"), ("con", "O"), ("varroa", "B-PLAGA"), ("alta", "O")],
    [("aplicado", "O"), ("oxalico", "B-TRATAMIENTO"), ("en", "O"), ("c07", "B-COLMENA")],
    [("c03", "B-COLMENA"), ("produce", "O"), ("miel", "B-PRODUCTO"), ("de", "O"), ("romero", "O"),
     ("y", "O"), ("polen", "B-PRODUCTO")],
    [("avispa", "B-PLAGA"), ("asiatica", "O"), ("vista", "O"), ("junto", "O"), ("a", "O"), ("c12", "B-COLMENA")],
    [("retirar", "O"), ("timol", "B-TRATAMIENTO"), ("de", "O"), ("c05", "B-COLMENA"), ("la", "O"),
     ("proxima", "O"), ("semana", "O"), ("sin", "O"), ("falta", "O")],
    [("cera", "B-PRODUCTO"), ("nueva", "O"), ("en", "O"), ("c03", "B-COLMENA")],
]


def construir_vocabulario(anotaciones):
    vocab = {"<pad>": 0, "<unk>": 1}
    for frase in anotaciones:
        for palabra, _ in frase:
            vocab.setdefault(palabra, len(vocab))
    return vocab


def agrupar(frases, vocab):
    """Rellena cada lote al largo de su frase más larga."""
    largo = max(len(f) for f in frases)
    ids_palabras = torch.zeros(len(frases), largo, dtype=torch.long)
    etiquetas = torch.full((len(frases), largo), IGNORAR, dtype=torch.long)
    for i, frase in enumerate(frases):
        for j, (palabra, etiqueta) in enumerate(frase):
            ids_palabras[i, j] = vocab.get(palabra, vocab["<unk>"])
            etiquetas[i, j] = ETIQUETAS_ENTIDAD.index(etiqueta)
    return {"ids_palabras": ids_palabras, "etiquetas": etiquetas}


class EtiquetadorColmenar(nn.Module):
    def __init__(self, tam_vocab, dim_emb=24, dim_oculta=32, num_clases=len(ETIQUETAS_ENTIDAD)):
        super().__init__()
        self.embebido = nn.Embedding(tam_vocab, dim_emb, padding_idx=0)
        self.lstm = nn.LSTM(dim_emb, dim_oculta, batch_first=True, bidirectional=True)
        self.salida = nn.Linear(2 * dim_oculta, num_clases)

    def forward(self, ids_palabras):
        x = self.embebido(ids_palabras)
        x, _ = self.lstm(x)
        return self.salida(x)  # (lote, palabras, clases)


def evaluar(modelo, cargador):
    modelo.eval()
    aciertos = total = 0
    with torch.no_grad():
        for lote in cargador:
            pred = modelo(lote["ids_palabras"]).argmax(-1)
            validas = lote["etiquetas"] != IGNORAR
            aciertos += (pred[validas] == lote["etiquetas"][validas]).sum().item()
            total += validas.sum().item()
    return aciertos / max(total, 1)


def main():
    vocab = construir_vocabulario(DIARIO)
    print(f"Vocabulario: {len(vocab)} palabras, {len(ETIQUETAS_ENTIDAD)} etiquetas")
    cargador = DataLoader(DIARIO, batch_size=3, shuffle=True, collate_fn=partial(agrupar, vocab=vocab))

    modelo = EtiquetadorColmenar(len(vocab))
    optimizador = torch.optim.Adam(modelo.parameters(), lr=1e-2)
    criterio = nn.CrossEntropyLoss(ignore_index=IGNORAR)

    for epoca in range(5):
        modelo.train()
        acumulada = 0.0
        for lote in cargador:
            logits = modelo(lote["ids_palabras"])
            perdida = criterio(logits, lote["etiquetas"])
            optimizador.zero_grad()
            perdida.backward()
            optimizador.step()
            acumulada += perdida.item()
        print(f"epoca {epoca}: perdida={acumulada / len(cargador):.4f} exactitud={evaluar(modelo, cargador):.2f}")

    print("Entrenamiento del etiquetador terminado")


if __name__ == "__main__":
    main()
